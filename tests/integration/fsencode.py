# SPDX-License-Identifier: Apache-2.0
"""FreeSWITCH mod_json_cdr's encodings, written from its C source
(switch_utils.c switch_url_encode_opt(), switch_ivr.c
switch_ivr_set_json_chan_vars(), mod_json_cdr.c my_on_reporting() and
backup_cdr()) so that tests post and import exactly what it sends."""
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
