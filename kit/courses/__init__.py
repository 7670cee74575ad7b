"""Courses offered between SIAE: offers, enrolment, convocations, notifications."""
