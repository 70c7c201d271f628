"""Officers decide: accept or decline a proposal, pin or forbid pairs, ask for and resolve reviews.

Accepting is a set of conditional updates in one transaction (proposal ``open -> accepted``, unit
``free -> taken``, household ``waiting -> housed``): if any finds its row already changed, nothing is
written and the caller gets 409. Two officers accepting the same unit at once therefore end with
exactly one placement, on SQLite (writes are serialised) and PostgreSQL (the row lock makes the
loser re-check the condition) alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from api.errors import Conflict, Forbidden, Invalid, NotFound
from api.models import (
    ApiKey,
    HouseholdRow,
    HouseholdStatus,
    MatchRun,
    PairKind,
    PairRule,
    PolicyVersion,
    ProposalRow,
    ProposalStatus,
    ReviewRequest,
    Role,
    UnitRow,
    UnitStatus,
    utcnow,
)
from api.repositories import (
    accepted_rival,
    active_policy,
    lock_organisation,
    proposal_in_org,
    record_by_ref,
    superseding_run,
)
from api.schemas import DeclineReason, PolicyDocument, RefusalAction, ReviewReason
from api.security import Principal
from api.services import audit, exchanges
from matcher import InvalidProblemError, MatchProblem
from matcher.compile import compile_problem


def _refs(session: Session, p: ProposalRow) -> tuple[str, str, MatchRun]:
    h = session.get_one(HouseholdRow, p.household_id)
    u = session.get_one(UnitRow, p.unit_id)
    return h.ref, u.ref, session.get_one(MatchRun, p.run_id)


def _changed(session: Session, stmt: Any) -> bool:
    return bool(session.execute(stmt).rowcount == 1)  # type: ignore[attr-defined]


def accept(session: Session, who: Principal, proposal_id: int) -> ProposalRow:
    lock_organisation(session, who.organisation_id)
    p = proposal_in_org(session, who.organisation_id, proposal_id)
    if p.exchange is not None:  # a move of a movable household, or a step of a chain
        return exchanges.accept_move(session, who, p)
    h_ref, u_ref, run = _refs(session, p)
    now = utcnow()
    ok = (
        _changed(
            session,
            update(ProposalRow)
            .where(ProposalRow.id == p.id, ProposalRow.status == ProposalStatus.OPEN)
            .values(status=ProposalStatus.ACCEPTED, decided_by=who.key_id, decided_at=now),
        )
        and _changed(
            session,
            update(UnitRow)
            .where(UnitRow.id == p.unit_id, UnitRow.status == UnitStatus.FREE)
            .values(status=UnitStatus.TAKEN, household_id=p.household_id, updated_at=now),
        )
        and _changed(
            session,
            update(HouseholdRow)
            .where(HouseholdRow.id == p.household_id, HouseholdRow.status == HouseholdStatus.WAITING)
            .values(status=HouseholdStatus.HOUSED, updated_at=now),
        )
    )
    if not ok:
        session.rollback()
        raise Conflict(f"proposal {proposal_id} can no longer be accepted: {why_closed(session, p)}")
    session.execute(
        update(ProposalRow)
        .where(
            ProposalRow.id != p.id,
            ProposalRow.status == ProposalStatus.OPEN,
            or_(ProposalRow.unit_id == p.unit_id, ProposalRow.household_id == p.household_id),
        )
        .values(status=ProposalStatus.SUPERSEDED)
    )
    session.execute(
        delete(PairRule).where(PairRule.household_id == p.household_id, PairRule.kind == PairKind.PIN)
    )
    audit.record(
        session,
        who,
        "proposal.accepted",
        "household",
        h_ref,
        run_id=run.id,
        policy_version=run.policy_version,
        proposal=p.id,
        unit=u_ref,
    )
    session.commit()
    session.refresh(p)
    return p


def why_closed(session: Session, p: ProposalRow) -> str:
    """What happened to a proposal an officer can no longer decide, in words the officer can act on."""
    session.refresh(p)
    if p.status in (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED):
        by = session.get(ApiKey, p.decided_by) if p.decided_by is not None else None
        return f"it was already {p.status} by {by.name if by else 'someone else'}"
    run = superseding_run(session, p)
    rival = accepted_rival(session, p)
    rival_first = (
        rival is not None
        and rival.decided_at is not None
        and (run is None or run.finished_at is None or rival.decided_at < run.finished_at)
    )
    if rival is not None and rival_first:
        return f"its unit or household was placed with proposal {rival.id}"
    if p.status == ProposalStatus.SUPERSEDED and run is not None:
        return f"superseded by run {run.id}"
    if p.status == ProposalStatus.SUPERSEDED:
        return "its unit was withdrawn or its household erased"
    return "its unit or household is no longer available"


def decline(session: Session, who: Principal, proposal_id: int, reason: DeclineReason) -> ProposalRow:
    """Record the refusal, forbid the pair for later runs, and apply the run's refusal rules."""
    lock_organisation(session, who.organisation_id)
    p = proposal_in_org(session, who.organisation_id, proposal_id)
    h_ref, u_ref, run = _refs(session, p)
    if not _changed(
        session,
        update(ProposalRow)
        .where(ProposalRow.id == p.id, ProposalRow.status == ProposalStatus.OPEN)
        .values(
            status=ProposalStatus.DECLINED, reason=reason.value, decided_by=who.key_id, decided_at=utcnow()
        ),
    ):
        session.rollback()
        raise Conflict(f"proposal {proposal_id} can no longer be declined: {why_closed(session, p)}")
    if p.exchange is not None:
        exchanges.break_exchange(session, who, p)
    session.execute(
        delete(PairRule).where(PairRule.household_id == p.household_id, PairRule.unit_id == p.unit_id)
    )
    session.add(
        PairRule(
            organisation_id=who.organisation_id,
            household_id=p.household_id,
            unit_id=p.unit_id,
            kind=PairKind.FORBID,
            source="decline",
            created_by=who.key_id,
        )
    )
    rules = PolicyDocument.model_validate(session.get_one(PolicyVersion, run.policy_id).document).refusals
    household = session.get_one(HouseholdRow, p.household_id)
    consequence = RefusalAction.NONE
    if reason in rules.counted_reasons:
        household.refusals += 1
        if rules.limit is not None and household.refusals >= rules.limit:
            consequence = rules.action
    if consequence == RefusalAction.SUSPEND and household.status == HouseholdStatus.WAITING:
        household.status = HouseholdStatus.SUSPENDED
    elif consequence == RefusalAction.REVIEW:
        session.add(
            ReviewRequest(
                organisation_id=who.organisation_id,
                proposal_id=p.id,
                reason=ReviewReason.REFUSAL_LIMIT,
                requested_by=who.key_id,
            )
        )
    audit.record(
        session,
        who,
        "proposal.declined",
        "household",
        h_ref,
        run_id=run.id,
        policy_version=run.policy_version,
        proposal=p.id,
        unit=u_ref,
        reason=reason.value,
        refusals=household.refusals,
        consequence=consequence.value,
    )
    session.commit()
    session.refresh(p)
    return p


def add_pair_rule(session: Session, who: Principal, household: str, unit: str, kind: PairKind) -> PairRule:
    lock_organisation(session, who.organisation_id)
    h = record_by_ref(session, HouseholdRow, who.organisation_id, household)
    u = record_by_ref(session, UnitRow, who.organisation_id, unit)
    if h.status != HouseholdStatus.WAITING or u.status != UnitStatus.FREE:
        raise Conflict(
            f"household is {h.status} and unit is {u.status}: only waiting households and free units"
        )
    rules = session.scalars(select(PairRule).where(PairRule.organisation_id == who.organisation_id)).all()
    for r in rules:
        same = r.household_id == h.id and r.unit_id == u.id
        if same and r.kind == kind:
            raise Conflict(f"this pair is already {'pinned' if kind == PairKind.PIN else 'forbidden'}")
        if same:
            raise Conflict("this pair is both pinned and forbidden; delete the other rule first")
        if kind == PairKind.PIN and r.kind == PairKind.PIN and (r.household_id == h.id or r.unit_id == u.id):
            raise Conflict("the household or the unit is already pinned to another partner")
    if kind == PairKind.PIN and (broken := pin_ineligibility(session, who.organisation_id, h, u)):
        raise Invalid(
            ["body", "unit"],
            f"household {household!r} cannot be pinned to unit {unit!r}: {broken}",
            "ineligible_pair",
        )
    rule = PairRule(
        organisation_id=who.organisation_id, household_id=h.id, unit_id=u.id, kind=kind, created_by=who.key_id
    )
    session.add(rule)
    audit.record(session, who, f"pair.{kind.value}", "household", household, unit=unit)
    session.commit()
    return rule


def pin_ineligibility(session: Session, org: str, h: HouseholdRow, u: UnitRow) -> str | None:
    """Why the matching core would refuse this pin today (its own eligibility rules, under the
    organisation's active policy), or None if it may be pinned."""
    if h.data is None or u.data is None:
        return "the household was erased" if h.data is None else "the unit has no record"
    policy = PolicyDocument.model_validate(active_policy(session, org).document).matching
    problem = MatchProblem.model_validate(
        {
            "match_date": date.today(),
            "households": [{**h.data, "id": h.ref}],
            "units": [{**u.data, "id": u.ref}],
            "policy": policy,
            "pins": [{"household": h.ref, "unit": u.ref}],
        }
    )
    try:
        compile_problem(problem)
    except InvalidProblemError as exc:
        return exc.reason
    return None


def remove_pair_rule(session: Session, who: Principal, rule_id: int) -> None:
    rule = session.get(PairRule, rule_id)
    if rule is None or rule.organisation_id != who.organisation_id:
        raise NotFound(f"pair rule {rule_id} not found")
    h = session.get_one(HouseholdRow, rule.household_id)
    u = session.get_one(UnitRow, rule.unit_id)
    session.delete(rule)
    audit.record(session, who, f"pair.{rule.kind}_removed", "household", h.ref, unit=u.ref)
    session.commit()


def request_review(session: Session, who: Principal, proposal_id: int, reason: ReviewReason) -> ReviewRequest:
    p = proposal_in_org(session, who.organisation_id, proposal_id)
    if p.status not in (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED):
        raise Conflict(f"proposal {proposal_id} is {p.status}; reviews are of decisions")
    h_ref, _, run = _refs(session, p)
    review = ReviewRequest(
        organisation_id=who.organisation_id, proposal_id=p.id, reason=reason, requested_by=who.key_id
    )
    session.add(review)
    session.flush()
    audit.record(
        session,
        who,
        "review.requested",
        "household",
        h_ref,
        run_id=run.id,
        policy_version=run.policy_version,
        review=review.id,
        proposal=p.id,
        reason=reason.value,
    )
    session.commit()
    return review


def resolve_review(session: Session, who: Principal, review_id: int, outcome: str) -> ReviewRequest:
    """An admin, or an officer who neither asked nor decided, upholds or overturns the decision.

    Overturning a decline lifts its forbid and its refusal count; overturning an acceptance frees
    the unit and puts the household back in the queue.
    """
    lock_organisation(session, who.organisation_id)
    review = session.get(ReviewRequest, review_id)
    if review is None or review.organisation_id != who.organisation_id:
        raise NotFound(f"review request {review_id} not found")
    if review.status != "open":
        raise Conflict(f"review request {review_id} is already resolved")
    p = session.get_one(ProposalRow, review.proposal_id)
    if who.role != Role.ADMIN and who.key_id in (review.requested_by, p.decided_by):
        raise Forbidden("a second officer (or an admin) resolves a review, not the one who asked or decided")
    h_ref, u_ref, run = _refs(session, p)
    household = session.get_one(HouseholdRow, p.household_id)
    if outcome == "overturned" and p.status == ProposalStatus.DECLINED:
        session.execute(
            delete(PairRule).where(
                PairRule.household_id == p.household_id,
                PairRule.unit_id == p.unit_id,
                PairRule.source == "decline",
            )
        )
        rules = PolicyDocument.model_validate(session.get_one(PolicyVersion, run.policy_id).document).refusals
        if p.reason in rules.counted_reasons and household.refusals > 0:
            household.refusals -= 1
        if household.status == HouseholdStatus.SUSPENDED:
            household.status = HouseholdStatus.WAITING
    elif outcome == "overturned" and p.status == ProposalStatus.ACCEPTED:
        unit = session.get_one(UnitRow, p.unit_id)
        if unit.household_id == p.household_id:
            unit.status, unit.household_id = UnitStatus.FREE, None
        if household.status == HouseholdStatus.HOUSED:
            household.status = HouseholdStatus.WAITING
        p.status = ProposalStatus.SUPERSEDED
    review.status, review.outcome, review.resolved_by, review.resolved_at = (
        "resolved",
        outcome,
        who.key_id,
        utcnow(),
    )
    audit.record(
        session,
        who,
        "review.resolved",
        "household",
        h_ref,
        run_id=run.id,
        policy_version=run.policy_version,
        review=review.id,
        proposal=p.id,
        unit=u_ref,
        outcome=outcome,
    )
    session.commit()
    return review
