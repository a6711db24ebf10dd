from django.urls import path

from . import archive_views, views

app_name = "shop"
urlpatterns = [
    path("bezahlen/<uuid:token>/", views.pay, name="pay"),
    path("bezahlen/demo/<uuid:token>/", views.demo_provider, name="demo_provider"),
    path("bezahlen/rueckmeldung/<slug:provider>/", views.callback, name="callback"),
    path("bezahlen/ergebnis/<uuid:token>/", views.payment_done, name="payment_done"),
    # The archive's image page with the order form: this route comes before
    # media_archive's own (site/urls.py includes shop first), so the shop adds
    # its part to the lower layer's page without the archive knowing the shop.
    path("archiv/bild/<int:pk>/", archive_views.image_detail, name="archive_image"),
    path("archiv/warenkorb/", archive_views.basket, name="basket"),
    path("archiv/warenkorb/hinzufuegen/", archive_views.add_to_basket, name="basket_add"),
    path("archiv/warenkorb/entfernen/", archive_views.remove_from_basket, name="basket_remove"),
    path("archiv/download/<str:token>/", archive_views.download, name="download"),
]
