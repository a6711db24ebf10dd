from django.urls import path

from . import views

app_name = "shop"
urlpatterns = [
    path("bezahlen/<uuid:token>/", views.pay, name="pay"),
    path("bezahlen/demo/<uuid:token>/", views.demo_provider, name="demo_provider"),
    path("bezahlen/rueckmeldung/<slug:provider>/", views.callback, name="callback"),
    path("bezahlen/ergebnis/<uuid:token>/", views.payment_done, name="payment_done"),
]
