from engine import run

print("starting")
run(["load", "step", "explode", "never"])
