"""The workflow designer: processes composed by staff in the admin, run on the step model.

A :class:`~flows.designer.models.ProcessDesign` is edited as a draft, on the canvas
(:mod:`flows.designer.canvas`, :mod:`flows.designer.canvas_views`) or in the form
(:mod:`flows.designer.admin_views`, steps as blocks of :mod:`flows.designer.blocks`);
it is checked (:mod:`flows.designer.definition`: ``problems``) and published as a
frozen, numbered :class:`~flows.designer.models.ProcessDesignVersion`
(:mod:`flows.designer.services`). One interpreter flow (:mod:`flows.designer.flow`)
runs every published version on the same nodes as the coded processes: a human step
is a ``HumanTask`` in the office's queue (who gets it: :mod:`flows.designer.routing`;
its form: :mod:`flows.designer.task_forms`), the workspace, inbox, visibility,
deadlines, timeline and erasure (:mod:`flows.designer.erasure`) are the same. A case
keeps the version it started on. BPMN 2.0 in and out: :mod:`flows.designer.bpmn`,
:mod:`flows.designer.bpmn_import`; shared designs: :mod:`flows.designer.sharing`.
"""
