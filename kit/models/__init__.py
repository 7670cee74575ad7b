"""The database models, typed with SQLAlchemy 2.0, one file per area."""

from kit.models.badges import AnimatorRecord, BadgeAssertion, RecordKind
from kit.models.base import as_utc, utcnow
from kit.models.content import ModuleImage, ModuleRevision
from kit.models.courses import CourseHalfDay, CourseOffer, Enrolment, EnrolmentEvent, EnrolmentStatus, OfferStatus
from kit.models.diagnostic import Diagnostic, DiagnosticAnswer, Employee, TaskObservation
from kit.models.evidence import SkillLevel, SkillObservation
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
from kit.models.mail import MailMessage, MailStatus
from kit.models.people import SIAE_KINDS, Participant, ParticipantDevice, Role, Siae, TrainingGroup, User

__all__ = [
    "SIAE_KINDS",
    "AnimatorRecord",
    "Answer",
    "Attendance",
    "BadgeAssertion",
    "ClaimStatus",
    "CourseHalfDay",
    "CourseOffer",
    "DeviceClaim",
    "Diagnostic",
    "DiagnosticAnswer",
    "Employee",
    "Enrolment",
    "EnrolmentEvent",
    "EnrolmentStatus",
    "MailMessage",
    "MailStatus",
    "ModuleImage",
    "ModuleRevision",
    "OfferStatus",
    "Participant",
    "ParticipantDevice",
    "Presence",
    "QuestionState",
    "RecordKind",
    "Role",
    "SessionQuestion",
    "SessionStatus",
    "Siae",
    "SkillLevel",
    "SkillObservation",
    "TaskObservation",
    "TrainingGroup",
    "TrainingSession",
    "User",
    "Worker",
    "as_utc",
    "utcnow",
]
