"""The database models, typed with SQLAlchemy 2.0, one file per area."""

from .badges import AnimatorRecord, BadgeAssertion, RecordKind, TaskAttestation
from .base import as_utc, utcnow
from .content import ModuleImage, ModuleRevision
from .live import Answer, Attendance, Presence, QuestionState, SessionQuestion, SessionStatus, TrainingSession, Worker
from .people import SIAE_KINDS, Participant, ParticipantDevice, Role, Siae, TrainingGroup, User

__all__ = [
    "SIAE_KINDS",
    "AnimatorRecord",
    "Answer",
    "Attendance",
    "BadgeAssertion",
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
    "TrainingGroup",
    "TrainingSession",
    "User",
    "Worker",
    "as_utc",
    "utcnow",
]
