"""Evidence of learning: the before/after check, the skills observed during the course, the evaluation."""
