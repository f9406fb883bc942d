"""Every error of the API is JSON in Spanish; a validation error names each field."""

from django.http import HttpRequest

# Pydantic's error types, said in Spanish. Anything not listed falls back to a generic line.
MENSAJES = {
    "missing": "Este campo es obligatorio.",
    "string_too_short": "No puede quedar vacío.",
    "string_too_long": "Es demasiado largo: escriba como máximo {max_length} caracteres.",
    "string_type": "Debe ser texto.",
    "int_parsing": "Debe ser un número entero.",
    "int_type": "Debe ser un número entero.",
    "greater_than_equal": "Debe ser mayor o igual que {ge}.",
    "less_than_equal": "Debe ser menor o igual que {le}.",
    "enum": "No es un valor permitido. Use uno de: {expected}.",
    "literal_error": "No es un valor permitido. Use uno de: {expected}.",
    "json_invalid": "El cuerpo no es JSON válido.",
    "model_attributes_type": "Los datos no tienen la forma esperada.",
    "string_unicode": "El texto no está en UTF-8 válido.",
    "list_type": "Debe ser una lista.",
    "too_long": "Hay demasiados elementos.",
}
GENERIC = "El valor no es válido."


def _field_name(loc) -> str:
    # ("form", "asunto"), ("header", "Idempotency-Key"), ("file", "adjuntos", 0)…
    # A JSON body is one parameter (("body", "datos", "url")): its name says nothing.
    rest = loc[2:] if loc[0] == "body" and len(loc) > 2 else loc[1:]
    parts = [str(p) for p in rest if not isinstance(p, int)] or [str(loc[0])]
    return ".".join(parts)


def _message(error: dict) -> str:
    template = MENSAJES.get(error.get("type", ""), GENERIC)
    context = error.get("ctx") or {}
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return GENERIC


def field_errors(errors: list[dict]) -> list[tuple[str, str]]:
    return [(_field_name(e.get("loc", ("cuerpo",))), _message(e)) for e in errors]


def validation_response(api, request: HttpRequest, errors: list[tuple[str, str]]):
    return api.create_response(
        request,
        {
            "detalle": "Revise los datos enviados: hay campos con errores.",
            "errores": [{"campo": campo, "mensaje": mensaje} for campo, mensaje in errors],
        },
        status=422,
    )


def json_error(api, request: HttpRequest, status: int, detalle: str):
    return api.create_response(request, {"detalle": detalle}, status=status)
