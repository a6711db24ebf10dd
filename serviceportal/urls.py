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
    path("antrag-fortsetzen/<uuid:token>/", views.resume_application, name="resume"),
    path("konto/", views.account_home, name="account"),
    path("konto/anmelden/<str:token>/", views.account_sign_in, name="account_sign_in"),
    path("konto/abmelden/", views.account_sign_out, name="account_sign_out"),
    path("konto/vorgang/<str:number>/", views.account_case, name="account_case"),
    path(
        "konto/vorgang/<str:number>/dokument/<int:pk>/",
        views.account_file,
        name="account_file",
    ),
]
