"""Where report screenshots are kept: report-screenshots/ in the private media folder
(settings.PRIVATE_MEDIA_ROOT), which no URL serves."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files readable only by the portal's own process, and never by a URL of their own: the
    screenshot view reads them after checking who is asking."""

    def __init__(self, **kwargs):
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    def url(self, name):
        raise ValueError("Report screenshots have no public address; link to reports:screenshot instead.")
