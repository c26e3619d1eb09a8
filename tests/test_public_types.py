"""The public API's types, checked by ``mypy --strict`` (``assert_type``) and run as a
test, so a change to a signature that callers rely on is caught (as hynek/svcs's
typing tests do)."""

from __future__ import annotations

import datetime
from typing import Any

from typing_extensions import assert_type

from sle_scoring import (
    ItemFinding,
    ItemStatus,
    Observation,
    Patient,
    acr_1997,
    eular_acr_2019,
    records,
    reference_cases,
    sdi,
    sledai_2k,
    slicc_2012,
)


def test_public_types() -> None:
    eular = eular_acr_2019.classify(["ana_positive", eular_acr_2019.Criterion.FEVER])
    assert_type(eular, eular_acr_2019.Classification)
    assert_type(eular.points, int)
    assert_type(eular.classified, bool)
    assert_type(eular.first_fulfilled, datetime.date | None)
    assert_type(eular.finding("fever"), ItemFinding)
    assert_type(eular.finding("fever").status, ItemStatus)

    score = sledai_2k.score([sledai_2k.Descriptor.RASH], index=sledai_2k.CLINICAL_SLEDAI_2K)
    assert_type(score, sledai_2k.Score)
    assert_type(score.total, int)
    assert_type(score.complete, bool)

    patient = reference_cases.bottazzi_2025()
    assert_type(patient, Patient)
    assert_type(patient.observations, tuple[Observation, ...])
    visit = sledai_2k.score_visit(patient, reference_cases.BOTTAZZI_2025_SIXTH_INFUSION)
    assert_type(visit, sledai_2k.Score)
    assert_type(slicc_2012.classify_patient(patient), slicc_2012.Classification)
    assert_type(acr_1997.classify_patient(patient), acr_1997.Classification)
    damage = sdi.score(["any_cataract"])
    assert_type(damage, sdi.DamageScore)
    assert_type(records.patient_to_dict(patient), dict[str, Any])

    # and the values behind the types
    assert eular.points == 2  # fever 2
    assert score.total == 2  # rash 2
    assert visit.total == 0
    assert damage.total == 1  # any cataract 1
