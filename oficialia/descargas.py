"""Files that people uploaded go back out as downloads, never shown inside the site: a PDF
or an image opened inline runs in the site's origin, with its session."""

from django.http import FileResponse


def uploaded_file_response(file, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # If a browser renders it anyway, it renders with no script, no plugin, no origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
