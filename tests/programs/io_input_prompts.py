name = input("What is your name? ")
age = int(input("How old are you? "))
print(f"Hello {name}, next year you will be {age + 1}.")
try:
    while True:
        item = input("item> ")
        print("got", repr(item))
except EOFError:
    print("EOF reached")
