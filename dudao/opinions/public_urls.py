from django.urls import path
app_name="opinions_public"
urlpatterns=[]
