"""The database models, typed with SQLAlchemy 2.0, one file per area."""

from .base import as_utc, utcnow
from .content import ModuleRevision
from .live import Answer, Attendance, Presence, QuestionState, SessionQuestion, SessionStatus, TrainingSession, Worker
from .people import SIAE_KINDS, Participant, ParticipantDevice, Role, Siae, TrainingGroup, User

__all__ = [
    "SIAE_KINDS",
    "Answer",
    "Attendance",
    "ModuleRevision",
    "Participant",
    "ParticipantDevice",
    "Presence",
    "QuestionState",
    "Role",
    "SessionQuestion",
    "SessionStatus",
    "Siae",
    "TrainingGroup",
    "TrainingSession",
    "User",
    "Worker",
    "as_utc",
    "utcnow",
]
