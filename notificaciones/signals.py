"""What notificaciones announces to the apps above it (the archive files the evidence)."""

from django.dispatch import Signal

# A notification to the petitioner was created, its cédula printed, practiced, or its signed
# scan uploaded; sent after commit. Keyword arguments: notificacion_id, escrito_id, event
# ("creada", "cedula", "practicada", "escaneo", "acuse": its acuse electrónico was made).
notificacion_registrada = Signal()
