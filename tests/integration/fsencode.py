# SPDX-License-Identifier: Apache-2.0
"""FreeSWITCH mod_json_cdr's encodings, written from its C source
(signalwire/freeswitch at cc93a683: src/switch_utils.c
switch_url_encode_opt() and SWITCH_URL_UNSAFE in switch_utils.h:47;
src/switch_ivr.c switch_ivr_set_json_chan_vars(), which encodes each
variable when encode-values is on; mod_json_cdr.c my_on_reporting() at
465-485 (cJSON_PrintUnformatted, then switch_url_encode or
switch_b64_encode of the whole text), process_cdr() at 307-333 (the
Content-Type per mode, "cdr=" before an encoded body, User-Agent
freeswitch-json/1.0) and 377 (the url with "?uuid=" appended), and
backup_cdr() at 197-230 (err-log-dir: the encoded text and a newline))
so that tests post and import exactly what it sends."""
import base64
import json

# SWITCH_URL_UNSAFE (switch_utils.h)
UNSAFE = b"\r\n #%&+:;<=>?@[\\]^`{|}\""
HEX = b"0123456789ABCDEF"


def url_encode(s):
    """switch_url_encode(): unsafe, control and non-ASCII bytes as %XX,
    but a %XX already in the text is kept (never encoded twice)."""
    b = s.encode() if isinstance(s, str) else s
    out = bytearray()
    for i, c in enumerate(b):
        if (c == 0x25 and i + 2 < len(b) and b[i + 1] in HEX and
                b[i + 2] in HEX):
            out.append(c)
        elif c < 0x20 or c > 0x7E or c in UNSAFE:
            out += b"%" + HEX[c >> 4:(c >> 4) + 1] + HEX[c & 15:(c & 15) + 1]
        else:
            out.append(c)
    return out.decode()


def document(doc, encode_values):
    """The JSON text as cJSON_PrintUnformatted() writes it, the
    variables URL-encoded first when encode-values=true."""
    if encode_values:
        doc = dict(doc, variables={k: url_encode(v) for k, v in
                                   doc["variables"].items()})
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def encoded(doc, encode, encode_values=False):
    """What mod_json_cdr writes to err-log-dir (and posts after "cdr="
    when encode is not "false"): encode is "false", "true" or
    "base64"."""
    text = document(doc, encode_values)
    if encode == "true":
        return url_encode(text)
    if encode == "base64":
        return base64.b64encode(text.encode()).decode()
    return text


def body(doc, encode, encode_values=False):
    """The POST body and its Content-Type (mod_json_cdr process_cdr())."""
    text = encoded(doc, encode, encode_values)
    if encode == "true":
        return ("cdr=" + text).encode(), "application/x-www-form-urlencoded"
    if encode == "base64":
        return ("cdr=" + text).encode(), "application/x-www-form-base64-encoded"
    return text.encode(), "application/json"
