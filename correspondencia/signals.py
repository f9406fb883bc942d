"""What the escrito's app announces to the apps above it (they listen; it never imports them)."""

from django.dispatch import Signal

# Sent on commit with `transicion_id`: a public change of the escrito's own state that the
# petitioner should hear about (cuentas emails it, respecting the account's preferences).
paso_publico_registrado = Signal()

# Sent on commit with `transicion_id` for every step of the escrito or its turnos, public or
# not: the archive indexes what each step added to the escrito's expediente.
transicion_registrada = Signal()
