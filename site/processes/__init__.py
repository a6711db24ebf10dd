"""The process registry: how lower layers start a process they cannot import.

``flows`` registers each back-office process under a key at start-up; the
service portal (and anything else) starts one with :func:`start_process`.
"""

from .registry import (
    InputKind,
    ProcessDefinition,
    ProcessInput,
    UnknownProcess,
    all_inputs,
    get_process,
    inputs_of,
    invoice_settled,
    process_choices,
    register_invoice_listener,
    register_process,
    register_process_source,
    registered_processes,
    start_process,
)

__all__ = [
    "InputKind",
    "ProcessDefinition",
    "ProcessInput",
    "all_inputs",
    "inputs_of",
    "invoice_settled",
    "UnknownProcess",
    "get_process",
    "process_choices",
    "register_invoice_listener",
    "register_process",
    "register_process_source",
    "registered_processes",
    "start_process",
]
