#!/usr/bin/env python3
"""活动档案包校验程序（verify.py）：只用 Python 标准库，随档案包一同提供。

用法：
    python3 verify.py 档案包.zip        校验压缩包
    python3 verify.py 解压后的目录       校验解压后的文件夹
    python3 verify.py                  校验本程序所在的文件夹

逐一计算每个文件的 SHA-256，与 manifest.json（档案清单）所记对照，列出被修改、多出和缺少的
文件。清单记有导出时审计链链头（序号与哈希），并打印清单自身的 SHA-256：与系统审计记录中
“导出活动档案”事件所记的清单哈希一致，说明清单本身未被替换。

退出码：0 全部一致；1 有文件被修改、多出或缺少；2 无法读取档案包或清单。
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import zipfile

MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


def _sha256_stream(fh) -> str:
    digest = hashlib.sha256()
    while True:
        block = fh.read(CHUNK)
        if not block:
            return digest.hexdigest()
        digest.update(block)


class _Zip:
    def __init__(self, path: str) -> None:
        self.zf = zipfile.ZipFile(path)

    def names(self) -> list[str]:
        return [i.filename for i in self.zf.infolist() if not i.is_dir()]

    def sha256(self, name: str) -> str:
        with self.zf.open(name) as fh:
            return _sha256_stream(fh)

    def read(self, name: str) -> bytes:
        return self.zf.read(name)


class _Dir:
    def __init__(self, path: str) -> None:
        self.root = os.path.abspath(path)

    def names(self) -> list[str]:
        out = []
        for folder, dirs, files in os.walk(self.root):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(folder, name)
                out.append(os.path.relpath(full, self.root).replace(os.sep, "/"))
        return out

    def sha256(self, name: str) -> str:
        with open(os.path.join(self.root, *name.split("/")), "rb") as fh:
            return _sha256_stream(fh)

    def read(self, name: str) -> bytes:
        with open(os.path.join(self.root, *name.split("/")), "rb") as fh:
            return fh.read()


def check(path: str) -> dict:
    """The verdict on a bundle: {"ok", "changed", "added", "removed", "manifest_sha256",
    "audit_head", "files"}; raises ValueError when the bundle or its manifest cannot be read."""
    try:
        source = _Zip(path) if os.path.isfile(path) else _Dir(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ValueError(f"无法打开档案包“{path}”：{exc}") from exc
    names = source.names()
    if MANIFEST not in names:
        raise ValueError(f"档案包中没有清单文件 {MANIFEST}，无法校验")
    raw = source.read(MANIFEST)
    try:
        manifest = json.loads(raw.decode("utf-8"))
        expected = {name: entry["sha256"] for name, entry in manifest["files"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"清单文件 {MANIFEST} 无法读取：{exc}") from exc
    present = set(names) - {MANIFEST}
    changed = sorted(n for n in expected if n in present and source.sha256(n) != expected[n])
    removed = sorted(set(expected) - present)
    added = sorted(present - set(expected))
    return {
        "ok": not (changed or removed or added),
        "changed": changed,
        "added": added,
        "removed": removed,
        "files": len(expected),
        "manifest_sha256": hashlib.sha256(raw).hexdigest(),
        "audit_head": manifest.get("audit_head") or {},
        "unit": manifest.get("unit") or {},
        "exported_at": manifest.get("exported_at", ""),
    }


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    try:
        result = check(path)
    except ValueError as exc:
        print(f"校验失败：{exc}")
        return 2
    unit = result["unit"]
    head = result["audit_head"]
    print(f"档案包：{path}")
    if unit:
        print(f"单位：{unit.get('name', '')}（{unit.get('campaign', '')}）")
    print(f"导出时间：{result['exported_at']}")
    print(f"审计链链头：第 {head.get('seq', 0)} 号事件，哈希 {head.get('hash', '')}")
    print(f"清单 SHA-256：{result['manifest_sha256']}")
    for label, key in (("被修改", "changed"), ("多出", "added"), ("缺少", "removed")):
        for name in result[key]:
            print(f"{label}：{name}")
    if result["ok"]:
        print(f"校验通过：{result['files']} 个文件与清单一致。")
        return 0
    problems = len(result["changed"]) + len(result["added"]) + len(result["removed"])
    print(f"校验未通过：{problems} 个文件与清单不符。")
    return 1


if __name__ == "__main__":
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    sys.exit(main(sys.argv))
