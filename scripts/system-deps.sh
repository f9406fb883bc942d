#!/usr/bin/env bash
# Checks the system libraries Oficialía needs and installs only what is missing when it can
# (root with apt-get); otherwise it names the missing packages in one message and stops.
#   scripts/system-deps.sh run    WeasyPrint: Pango, HarfBuzz subsetting, fonts; tesseract (Spanish) for OCR
#   scripts/system-deps.sh test   the above, plus Chromium, poppler and npm for the tests, and
#                                 dovecot (an IMAP server) for the email intake's
#
# Each listing is read whole into a variable before it is searched: piping it into
# `grep -q` under `set -o pipefail` lets grep close the pipe at the first match, the lister
# dies of SIGPIPE and an installed package reads as missing.
set -euo pipefail
purpose=${1:-run}
missing=()

# ldconfig lives in /sbin, which is not on every user's PATH.
ldconfig_bin=$(command -v ldconfig || echo /sbin/ldconfig)
libraries=$("$ldconfig_bin" -p 2>/dev/null || true)
fonts=$( { command -v fc-list >/dev/null && fc-list 2>/dev/null; } || true)

have_lib() { [[ $libraries == *"$1"* ]]; }
have_command() { command -v "$1" >/dev/null; }

have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
# Without it WeasyPrint embeds whole fonts through a path about five times slower.
have_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
{ have_command fc-list && [[ ${fonts,,} == *dejavusans* ]]; } || missing+=(fonts-dejavu-core fontconfig)
# OCR of scanned attachments (ocrmypdf drives tesseract); without them the product says OCR is off.
have_command tesseract || missing+=(tesseract-ocr)
compgen -G '/usr/share/tesseract-ocr/*/tessdata/spa.traineddata' >/dev/null || missing+=(tesseract-ocr-spa)
if [ "$purpose" = test ]; then
  have_command chromium || [ -x /usr/bin/chromium ] || missing+=(chromium)
  have_command pdftoppm || missing+=(poppler-utils)
  # npm installs axe-core, the accessibility checker of the browser tests.
  have_command npm || missing+=(npm)
  # The email intake's tests read a real IMAP mailbox: a dovecot the tests start themselves.
  [ -x /usr/sbin/dovecot ] || have_command dovecot || missing+=(dovecot-imapd)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && have_command apt-get; then
  echo "Instalando paquetes del sistema que faltan: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "Faltan paquetes del sistema: ${missing[*]}. Instálelos como administrador" \
  "(sudo apt-get install ${missing[*]}) y vuelva a correr este comando." >&2
exit 1
