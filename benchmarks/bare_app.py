"""The yardstick for card verification: the smallest Flask endpoint, served the same way."""
from flask import Flask

app = Flask(__name__)


@app.get("/bare")
def bare():
    return {"valid": True}
