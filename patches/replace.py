"""How a patch is put in place: once, keeping what it replaces."""


def replace(owner, name, replacement):
    """Set ``owner.name`` to ``replacement`` (which gets ``.original``), unless already done.

    Returns the function in place afterwards. The marker is the replacement's qualified name, so
    that a second import of this package (a reloaded module) does not wrap the patch again."""
    current = getattr(owner, name)
    marker = "%s.%s" % (replacement.__module__, replacement.__qualname__)
    if getattr(current, "livechat_patch", None) == marker:
        return current
    replacement.original = current
    replacement.livechat_patch = marker
    setattr(owner, name, replacement)
    return replacement
