"""One place that renders every error, in French, as a page or as JSON."""

from __future__ import annotations

from flask import Flask, Response, abort, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from kit.extensions import db

MESSAGES = {
    400: ("Demande incorrecte", "La demande envoyée n'est pas valide."),
    403: ("Accès refusé", "Vous n'avez pas le droit d'ouvrir cette page."),
    404: ("Page introuvable", "Cette page n'existe pas, ou plus. Vérifiez l'adresse."),
    405: ("Action impossible", "Cette action n'est pas possible sur cette page."),
    413: ("Fichier trop gros", "Le fichier envoyé est trop gros."),
    429: ("Trop d'essais", "Vous avez fait trop d'essais. Attendez une minute, puis réessayez."),
    500: ("Erreur du serveur", "Un problème est arrivé de notre côté. Rien n'a été perdu : réessayez."),
}


CSRF_MESSAGE = ("Le jeton de sécurité du formulaire manque ou a expiré. Rechargez la page, "
                "puis envoyez de nouveau le formulaire.")


def render_error(error: HTTPException) -> tuple[Response | str, int]:
    """Render an HTTP error as a French page, or as JSON when JSON is asked for."""
    code = error.code or 500
    title, default = MESSAGES.get(code, (error.name, "Une erreur est survenue."))
    if isinstance(error, CSRFError):
        message = CSRF_MESSAGE
    else:
        message = (error.description or default) if code not in (500,) and _is_french(error) else default
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=message, status=code), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _is_french(error: HTTPException) -> bool:
    """Our own aborts carry a French description; Werkzeug's defaults are English."""
    return bool(error.description) and error.description != type(error).description


def handle_exception(error: Exception) -> tuple[Response | str, int]:
    """Roll back what the failed request did, then answer with a French 500."""
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("erreur non gérée")
    return render_error(InternalServerError())


NUL_MESSAGE = ("Le texte envoyé contient un caractère invisible interdit (caractère nul). "
               "Retapez-le au clavier plutôt que de le coller, puis envoyez de nouveau.")


def refuse_nul_characters() -> None:
    """No database stores NUL in text (PostgreSQL refuses it): say so in French, before any form is read."""
    if request.args and any("\x00" in value for value in request.args.values()):
        abort(400, description=NUL_MESSAGE)
    # Only plain forms: reading a multipart body here would apply the default size limit before a view
    # that accepts larger files (the zip import) could raise it.
    if request.mimetype == "application/x-www-form-urlencoded" and request.form and any(
            "\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)):
        abort(400, description=NUL_MESSAGE)


def init_errors(app: Flask) -> None:
    """Register the error handlers."""
    app.before_request(refuse_nul_characters)
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(Exception, handle_exception)
