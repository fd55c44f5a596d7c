"""PostgreSQL: a ballot in one round trip (see dudao.surveys.actions.submit_ballot).

A PL/pgSQL function runs in the single transaction of the statement that calls it, and in READ
COMMITTED each statement inside it takes a fresh snapshot: the counters are updated only after
the code's row lock is held, so a round closed meanwhile is seen as closed (the same reasoning
as the Python path used on SQLite). Raising rolls the whole call back: the code stays unused."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION surveys_submit_ballot(
    p_code text, p_today date, p_questions text[], p_options text[]
) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    rid bigint;
    r_status text;
    r_expires date;
    r_shards integer;
    n integer;
    expected integer;
    v_shard integer;
BEGIN
    -- Compare-and-set: of simultaneous submissions of one code exactly one gets the row.
    UPDATE surveys_surveycode SET used = true WHERE code = p_code AND used = false
    RETURNING round_id INTO rid;
    IF NOT FOUND THEN
        RETURN 'not_counted';  -- unknown or used: the caller looks the code up and says which
    END IF;
    -- A fresh snapshot, taken while the code's row lock is held (see close_round).
    SELECT status, expires_on, shards INTO r_status, r_expires, r_shards
      FROM surveys_surveyround WHERE id = rid;
    IF r_status <> 'open' OR (r_expires IS NOT NULL AND p_today > r_expires) THEN
        RAISE EXCEPTION 'surveys_ballot_not_counted' USING ERRCODE = 'P0001';
    END IF;
    v_shard := floor(random() * r_shards)::integer;  -- once per ballot, not per row
    SELECT count(DISTINCT question) INTO expected FROM surveys_tally
     WHERE round_id = rid AND shard = 0;
    UPDATE surveys_tally t SET count = t.count + 1
      FROM unnest(p_questions, p_options) AS a(question, option)
     WHERE t.round_id = rid AND t.shard = v_shard
       AND t.question = a.question AND t.option = a.option;
    GET DIAGNOSTICS n = ROW_COUNT;
    -- One answer per question of the round, each a known option; otherwise nothing happened.
    IF n <> expected OR cardinality(p_questions) <> expected THEN
        RAISE EXCEPTION 'surveys_ballot_not_counted' USING ERRCODE = 'P0001';
    END IF;
    RETURN 'counted';
END;
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS surveys_submit_ballot(text, date, text[], text[])"
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
