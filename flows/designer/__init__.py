"""The workflow designer: processes composed by staff in the admin, run on the step model.

A :class:`~flows.designer.models.ProcessDesign` is edited as a draft (steps of a
fixed set of kinds, each with its German editing panel), checked when it is
saved (:mod:`flows.designer.validation`) and published as a frozen, numbered
:class:`~flows.designer.models.ProcessDesignVersion`. One interpreter flow
(:mod:`flows.designer.flow`) runs every published version on the same nodes as
the coded processes: a human step is a ``HumanTask`` in the office's queue, the
workspace, inbox, visibility, deadlines, timeline and erasure are the same.
A case keeps the version it started on.
"""
