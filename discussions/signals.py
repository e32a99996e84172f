"""Signals other apps may subscribe to (discussions imports none of them).

``reply_posted(sender=Comment, comment=reply, parent=parent)`` is sent once the reply is
committed, when someone replies to another person's comment (the notifications app is meant
to tell the parent's author).
"""

from django.dispatch import Signal

reply_posted = Signal()
