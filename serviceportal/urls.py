from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .identification import ThrottledAuthenticationForm

app_name = "serviceportal"
urlpatterns = [
    path("vorgang/<str:token>/", views.case_status, name="case_status"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(
            template_name="serviceportal/login.html",
            authentication_form=ThrottledAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
]
