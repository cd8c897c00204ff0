class Config:
    def __init__(self, data):
        self.data = data

    def get(self, key):
        try:
            return self.data[key]
        except KeyError:
            raise LookupError(f"missing setting {key!r}")


cfg = Config({"host": "localhost"})
print(cfg.get("host"))
cfg.get("port")
