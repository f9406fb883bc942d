"""What the escrito's app announces to the apps above it (they listen; it never imports them)."""

from django.dispatch import Signal

# Sent on commit with `transicion_id`: a public change of the escrito's own state that the
# petitioner should hear about (cuentas emails it, respecting the account's preferences).
paso_publico_registrado = Signal()

# Sent on commit with `transicion_id` for every step of the escrito or its turnos, public or
# not: the archive indexes what each step added to the escrito's expediente.
transicion_registrada = Signal()

# Sent on commit with `escrito_id` and `documento` ("acuse", "respuesta") when the escrito gets
# a document of its own the moment it is made (the acuse once generated, the answer's oficio
# once issued): the archive adds it to the expediente's index then, not at the next step.
documento_emitido = Signal()
