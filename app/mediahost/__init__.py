"""Where Instagram fetches our media from: a public URL the body controls.

Instagram's container flow takes ``image_url``/``video_url`` and "cURLs" it at request
time (https://developers.facebook.com/documentation/instagram-platform/content-publishing:
"the media must be hosted on a publicly accessible server at the time of the attempt").
A desktop app has no public server, so the user configures one per Instagram account:

* :class:`~app.mediahost.wordpress.WordPressMediaHost`: the body's WordPress media
  library (``POST /wp-json/wp/v2/media`` with an application password; ``source_url``);
* :class:`~app.mediahost.s3.S3MediaHost`: an S3-compatible bucket with a presigned GET
  URL (needs ``boto3``; optional).

Videos do not need a host on the Facebook-login path: they go by resumable upload.
Every file put on a host is deleted after the post is published (or given up).
"""

from app.mediahost.base import HostedMedia, MediaHost
from app.mediahost.config import (
    HOST_KINDS,
    MediaHostConfig,
    host_from_options,
    secret_user,
)

__all__ = [
    "HOST_KINDS",
    "HostedMedia",
    "MediaHost",
    "MediaHostConfig",
    "host_from_options",
    "secret_user",
]
