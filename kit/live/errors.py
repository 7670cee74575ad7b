"""The one error type of live actions, carrying a French message for the user."""

from __future__ import annotations


class LiveError(Exception):
    """An action refused: bad payload, wrong state, or not allowed. Nothing was changed."""

    def __init__(self, message: str, code: str = "invalide") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def payload(self) -> dict[str, str]:
        """What the `error` event and the failed acknowledgements carry."""
        return {"code": self.code, "message": self.message}
