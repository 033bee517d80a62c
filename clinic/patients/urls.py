from django.urls import path

from clinic.patients import views

app_name = "patients"

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("contact/thanks/", views.contact_thanks, name="contact_thanks"),
    path("questions/<str:token>/", views.ask, name="ask"),
    path("questions/<str:token>/sent/", views.question_sent, name="question_sent"),
]
