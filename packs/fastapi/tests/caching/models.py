class Engine:
    profile = None


class Language:
    pass
