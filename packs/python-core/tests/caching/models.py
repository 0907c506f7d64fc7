class Engine:
    pass


class Flag:
    pass


class Language:
    pass
