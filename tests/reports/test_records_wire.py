"""A test's records cross from an xdist worker to the controller once: the call and teardown reports carry a
reference, and the controller hands every plugin the same `user_properties` the worker's reports had.

Driven through what xdist really does with a report: pytest's `pytest_report_to_serializable`, execnet's
serialiser (the bytes on the pipe), and `pytest_report_from_serializable` on the controller. The suite-level
check is tests/suite/test_suite_verdict.py's xdist case (JUnit properties come from the teardown report)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import execnet
import pytest
from _pytest.reports import pytest_report_from_serializable, pytest_report_to_serializable

from pytest_restgate.core.records import KIND_PROPERTY, RECORD_PROPERTY, VERDICT_PROPERTY
from pytest_restgate.reports.records_wire import SENT_PROPERTY, RestoreOnce, SendOnce

NODE = "tests_rest/test_rest.py::test_rest[mmlu-0001]"
SETUP = [{"item_id": "mmlu-0001", "modality": m, "raw": f"reply to the {m} call " * 40} for m in ("text", "image")]
FRESH = [{"item_id": "soe-7", "modality": "text", "raw": "a system drawn during the call " * 40}]


def _report(when: str, props: list[tuple[str, object]]) -> pytest.TestReport:
    return pytest.TestReport(NODE, ("tests_rest/test_rest.py", 1, "test_rest"), {}, "passed", None, when,
                             user_properties=list(props))


def _send(sender: SendOnce, report: pytest.TestReport) -> bytes:
    """The bytes xdist's worker hook sends, taken inside the sender's wrapper as xdist's hook would."""
    wrapper: Generator[None, Any, Any] = sender.pytest_runtest_logreport(report)
    next(wrapper)
    wire = execnet.dumps(pytest_report_to_serializable(report))
    with pytest.raises(StopIteration):
        wrapper.send(None)
    return wire


def _receive(restorer: RestoreOnce, wire: bytes) -> pytest.TestReport:
    report = pytest_report_from_serializable(execnet.loads(wire))
    assert isinstance(report, pytest.TestReport)
    restorer.restore(report)
    return report


def test_each_record_list_crosses_once_and_every_report_arrives_whole() -> None:
    setup_props: list[tuple[str, object]] = [(KIND_PROPERTY, "rest"), (RECORD_PROPERTY, SETUP),
                                             (VERDICT_PROPERTY, "consistent")]
    later_props = [*setup_props, (RECORD_PROPERTY, FRESH)]  # the fresh search attaches more during the call
    sender, restorer = SendOnce(), RestoreOnce()
    sent: dict[str, bytes] = {}
    received: dict[str, pytest.TestReport] = {}
    for when, props in (("setup", setup_props), ("call", later_props), ("teardown", later_props)):
        report = _report(when, props)
        sent[when] = _send(sender, report)
        assert report.user_properties == props  # the worker's own report is whole again after xdist sent it
        received[when] = _receive(restorer, sent[when])
        assert [(k, v) for k, v in received[when].user_properties] == props, when
    assert b"reply to the image call" in sent["setup"]
    assert b"reply to the image call" not in sent["call"] and b"reply to the image call" not in sent["teardown"]
    assert b"a system drawn during the call" in sent["call"] and b"a system drawn" not in sent["teardown"]
    assert len(sent["teardown"]) < len(sent["setup"]) / 4
    assert received["teardown"].user_properties[1][1] is received["setup"].user_properties[1][1]  # one copy held
    assert restorer._held == {}  # let go at the teardown report


def test_a_rerun_of_the_same_test_sends_its_records_again() -> None:
    props: list[tuple[str, object]] = [(RECORD_PROPERTY, SETUP)]
    sender, restorer = SendOnce(), RestoreOnce()
    for _ in range(2):  # a plugin that reruns a test: its setup report starts over on both sides
        for when in ("setup", "call", "teardown"):
            assert [(k, v) for k, v in _receive(restorer, _send(sender, _report(when, props))).user_properties] \
                == props


def test_a_reference_to_records_never_received_stops_with_the_test_named() -> None:
    report = _report("call", [(SENT_PROPERTY, 0)])
    with pytest.raises(RuntimeError, match=r"test_rest\[mmlu-0001\] refers to record list #0, which its worker "
                                           r"never sent \(0 received\)"):
        RestoreOnce().restore(report)
