def main():
    print("main ran")
    raise SystemExit(0)


if __name__ == "__main__":
    try:
        main()
    finally:
        print("cleanup")
    print("not reached")
