#!/usr/bin/env bash
# Checks the system libraries Oficialía needs and installs what is missing when it can
# (root with apt-get); otherwise it names the packages and stops.
#   scripts/system-deps.sh run    WeasyPrint: Pango, HarfBuzz subsetting, fonts
#   scripts/system-deps.sh test   the above, plus Chromium for the browser tests and dovecot
#                                 (an IMAP server) for the email intake's
set -euo pipefail
purpose=${1:-run}
missing=()

have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
# Without it WeasyPrint embeds whole fonts through a path about five times slower.
have_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
{ command -v fc-list >/dev/null && fc-list | grep -qi 'DejaVuSans'; } || missing+=(fonts-dejavu-core fontconfig)
if [ "$purpose" = test ]; then
  command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  # npm installs axe-core, the accessibility checker of the browser tests.
  command -v npm >/dev/null || missing+=(npm)
  # The email intake's tests read a real IMAP mailbox: a dovecot the tests start themselves.
  [ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null || missing+=(dovecot-imapd)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Instalando paquetes del sistema: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "Faltan paquetes del sistema: ${missing[*]}" >&2
echo "Instálelos con: sudo apt-get install ${missing[*]}" >&2
exit 1
