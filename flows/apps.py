from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = _("Back-office processes")

    def ready(self) -> None:
        from portal_site.core.periodic import register_periodic
        from portal_site.processes import register_process

        from .deadlines import register_deadline_texts, remind_and_escalate
        from .generic import start_generic

        register_periodic("flows.remind_and_escalate", remind_and_escalate)
        from .workspace import hand_over_to_deputies

        register_periodic("flows.hand_over_to_deputies", hand_over_to_deputies)
        from .notices import announce_new_tasks

        register_periodic("flows.announce_new_tasks", announce_new_tasks)
        register_deadline_texts()

        from . import paying
        from .archive_order import register_archive_order
        from .civil_status import register_civil_status
        from .training import (
            catalogue,  # noqa: F401 - registers the courses' demo step
            register_training,
        )

        paying.connect()
        register_civil_status()
        register_archive_order()
        register_training()
        register_periodic("flows.training.send_certificates", _send_certificates)

        from portal_site.accounts import roles
        from portal_site.accounts.leavers import register_leaver_handler

        from .workspace import return_tasks_of_leaver

        register_leaver_handler("flows.tasks", return_tasks_of_leaver)

        from .segregation import apply_to_task
        from .steps import on_task_created

        on_task_created("flows.segregation", lambda task, case: apply_to_task(task, case=case))
        from serviceportal.availability import register_availability

        from .designer.availability import DesignedAvailability

        # forms offer only the rooms and vehicles free for the chosen time
        register_availability(DesignedAvailability())
        from portal_site.core.setup import register_setup_step

        from .segregation import apply_to_every_open_task

        # tasks open before an upgrade: their exclusions, once, after migrate
        register_setup_step(order=90, name="segregation", run=apply_to_every_open_task)

        roles.register_role_permissions(
            roles.PROCESS_DESIGNER,
            "flows.add_processdesign",
            "flows.change_processdesign",
            "flows.view_processdesign",
            "flows.add_resource",
            "flows.change_resource",
            "flows.view_resource",
            # a fee a new process charges is created in place on the canvas; its revenue
            # account and cost object stay for the cash office to fill in
            "shop.add_fee",
            "shop.view_fee",
        )
        roles.register_role_permissions(
            roles.HR_DEVELOPMENT,
            "flows.add_course",
            "flows.change_course",
            "flows.view_course",
            "flows.view_participation",
            "flows.change_participation",
        )

        from portal_site.processes import register_process_source

        from .designer.services import published_processes

        register_process_source("designer", published_processes)
        from portal_site.cases.erasure import register_eraser

        from .designer.erasure import erase_designed_data
        from .designer.flow import DesignedFlow, resume_waits, schedule_untimed_waits
        from .paying import register_payment_wait

        register_eraser("flows.designer", erase_designed_data)
        register_periodic("flows.designer.resume_waits", resume_waits)
        register_setup_step(order=91, name="designer-waits", run=schedule_untimed_waits)
        register_payment_wait(DesignedFlow.await_payment)

        from portal_site.core.demo import register_demo_step

        from .designer.demo import load_fees, load_resources
        from .designer.sharing import install_library

        # The seed's designed processes ship as definition data, published with the demo
        # before its forms (which choose them), with the room catalogue they reserve from.
        register_demo_step(order=34, name="process_fees", run=load_fees)
        register_demo_step(order=35, name="process_library", run=install_library)
        register_demo_step(order=36, name="resources", run=load_resources)

        register_process(
            key="generic",
            label=_("Generic request (office queue, answer, close)"),
            start=start_generic,
        )


def _send_certificates():
    from .training.documents import send_certificates

    return send_certificates()
