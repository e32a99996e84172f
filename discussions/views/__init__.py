"""Discussion pages: threads and comment actions, moderation, sentiment and polls.

Every form posts to a URL that answers an htmx request with the fragment to swap and a plain
request with a redirect (or, on an error, a page showing the message): both work without
JavaScript.
"""
