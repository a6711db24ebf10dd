"""The archive's staff edit the archive's images in the admin (Wagtail checks rights per
collection, so the role's model permissions alone would not show them the images)."""

from __future__ import annotations

import pytest
from django.test import Client

from media_archive.models import ArchiveImage
from tests.factories import archive_images

pytestmark = pytest.mark.django_db


def test_the_archive_role_lists_and_edits_the_archive_images(staff):
    archive_images("S 01 Nr. 1961-087")
    image = ArchiveImage.objects.get(signature="S 01 Nr. 1961-087")
    client = Client()
    client.force_login(staff["stadtarchiv"])
    listing = client.get("/admin/images/")
    assert listing.status_code == 200
    assert f"/admin/images/{image.pk}/" in listing.content.decode()
    assert client.get(f"/admin/images/{image.pk}/").status_code == 200
    assert '"/admin/images/"' in client.get("/admin/").content.decode()  # the menu item


def test_other_offices_do_not_edit_archive_images(staff):
    archive_images("S 01 Nr. 1961-087")
    image = ArchiveImage.objects.get(signature="S 01 Nr. 1961-087")
    client = Client()
    client.force_login(staff["stadtkasse"])
    assert client.get(f"/admin/images/{image.pk}/").status_code in (302, 403)
