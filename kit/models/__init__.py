"""The database models, typed with SQLAlchemy 2.0, one file per area."""

from kit.models.badges import AnimatorRecord, BadgeAssertion, RecordKind, TaskAttestation
from kit.models.base import as_utc, utcnow
from kit.models.content import ModuleImage, ModuleRevision
from kit.models.diagnostic import Diagnostic, DiagnosticAnswer, Employee, TaskObservation
from kit.models.live import (
    Answer,
    Attendance,
    ClaimStatus,
    DeviceClaim,
    Presence,
    QuestionState,
    SessionQuestion,
    SessionStatus,
    TrainingSession,
    Worker,
)
from kit.models.people import SIAE_KINDS, Participant, ParticipantDevice, Role, Siae, TrainingGroup, User

__all__ = [
    "SIAE_KINDS",
    "AnimatorRecord",
    "Answer",
    "Attendance",
    "BadgeAssertion",
    "ClaimStatus",
    "DeviceClaim",
    "Diagnostic",
    "DiagnosticAnswer",
    "Employee",
    "ModuleImage",
    "ModuleRevision",
    "Participant",
    "ParticipantDevice",
    "Presence",
    "QuestionState",
    "RecordKind",
    "Role",
    "SessionQuestion",
    "SessionStatus",
    "Siae",
    "TaskAttestation",
    "TaskObservation",
    "TrainingGroup",
    "TrainingSession",
    "User",
    "Worker",
    "as_utc",
    "utcnow",
]
