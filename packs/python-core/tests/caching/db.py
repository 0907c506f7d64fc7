def SessionLocal():
    raise NotImplementedError
