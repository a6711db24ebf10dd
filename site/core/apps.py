from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal_site.core"
    label = "core"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import demo_kernel  # noqa: F401 - registers the kernel's demo step
        from .setup import register_setup_step, run_setup_after_migrate

        register_setup_step(order=0, name="kernel", run=demo_kernel.setup_kernel)
        post_migrate.connect(run_setup_after_migrate, dispatch_uid="portal_setup")

        from .background import requeue_stale_tasks
        from .periodic import register_periodic

        register_periodic("tasks.requeue_stale", requeue_stale_tasks)

        from . import page_cache

        page_cache.connect()
