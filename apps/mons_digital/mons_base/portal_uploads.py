# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Files uploaded through portal forms, checked on size and content
(the limits of any upload: upload.py)."""
import json
import os
import posixpath
from collections import namedtuple

import puremagic

from trytond.i18n import gettext

from . import upload
from .upload import UploadError, human_size  # noqa: F401 (portal API)


Upload = namedtuple('Upload', ['filename', 'mimetype', 'data'])


_TEXT_TYPES = {
    'text/plain', 'text/csv', 'application/json', 'application/geo+json'}
_TEXT_EXTENSIONS = {
    'text/csv': {'.csv'}, 'application/json': {'.json'},
    'application/geo+json': {'.geojson', '.json'}, 'text/plain': None}


def _sniff(data, filename, allowed):
    "Types the content really has, from the bytes and not from the name"
    found = []
    try:
        for match in puremagic.magic_string(data):
            if match.mime_type and match.mime_type not in found:
                found.append(match.mime_type)
    except puremagic.PureError:
        pass
    if found:
        return found
    # Text formats have no signature: accept them only if they decode
    if b'\x00' in data[:8192]:
        return found
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError:
        return found
    ext = posixpath.splitext(filename or '')[1].lower()
    for mimetype in allowed:
        if mimetype not in _TEXT_TYPES:
            continue
        extensions = _TEXT_EXTENSIONS.get(mimetype)
        if extensions is not None and ext not in extensions:
            continue
        if mimetype in {'application/json', 'application/geo+json'}:
            try:
                json.loads(text)
            except ValueError:
                continue
        found.append(mimetype)
    return found


def check_upload(file, max_bytes, allowed_mimetypes):
    """Read a werkzeug FileStorage and return Upload(filename, mimetype, data)

    Raise UploadError (French, naming the file) when the file is larger
    than max_bytes or its content is not one of allowed_mimetypes.
    Return None when no file was chosen.
    """
    if file is None or not getattr(file, 'filename', None):
        return None
    filename = os.path.basename(file.filename.replace('\\', '/'))
    stream = file.stream
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        try:
            size = human_size(stream.seek(0, os.SEEK_END))
        except (OSError, AttributeError, ValueError):
            size = f'> {human_size(max_bytes)}'
        raise UploadError(gettext('mons_base.msg_upload_too_large',
                filename=filename, size=size, limit=human_size(max_bytes)))
    allowed = list(allowed_mimetypes)
    for mimetype in _sniff(data, filename, allowed) if data else []:
        if mimetype in allowed:
            # The content must parse (PDF, image) and stay within the
            # limits once inflated (office documents, archives)
            upload.check(data, filename, max_size=max_bytes)
            return Upload(filename, mimetype, data)
    raise UploadError(gettext('mons_base.msg_upload_bad_type',
            filename=filename, allowed=', '.join(allowed)))
