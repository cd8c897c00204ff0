"""A Dhrystone-style benchmark written for py2wasm: the mix of record
updates, string comparisons, small-integer arithmetic, array indexing and
procedure calls that the classic synthetic benchmark exercises.

usage: pystone_like.py [LOOPS]      (prints a checksum, never a timing)
"""
import sys

IDENT_1, IDENT_2, IDENT_3, IDENT_4, IDENT_5 = range(1, 6)


class Record:
    __slots__ = ("next", "discr", "enum_comp", "int_comp", "str_comp")

    def __init__(self, next=None, discr=0, enum_comp=0, int_comp=0, str_comp=""):
        self.next = next
        self.discr = discr
        self.enum_comp = enum_comp
        self.int_comp = int_comp
        self.str_comp = str_comp

    def copy(self):
        return Record(self.next, self.discr, self.enum_comp, self.int_comp, self.str_comp)


class State:
    def __init__(self):
        self.int_glob = 0
        self.bool_glob = False
        self.char1 = "\0"
        self.char2 = "\0"
        self.array1 = [0] * 51
        self.array2 = [[0] * 51 for _ in range(51)]
        self.ptr_glob = None


def func3(enum_par):
    return enum_par == IDENT_3


def proc7(a, b):
    return a + b + 2


def proc6(enum_in, st):
    out = enum_in
    if not func3(enum_in):
        out = IDENT_4
    if enum_in == IDENT_1:
        out = IDENT_1
    elif enum_in == IDENT_2:
        out = IDENT_1 if st.int_glob > 100 else IDENT_4
    elif enum_in == IDENT_3:
        out = IDENT_2
    elif enum_in == IDENT_5:
        out = IDENT_3
    return out


def proc8(st, int1, int2):
    loc = int1 + 5
    st.array1[loc] = int2
    st.array1[loc + 1] = st.array1[loc]
    st.array1[loc + 30] = loc
    for index in range(loc, loc + 2):
        st.array2[loc][index] = loc
    st.array2[loc][loc - 1] += 1
    st.array2[loc + 20][loc] = st.array1[loc]
    st.int_glob = 5


def func1(c1, c2):
    return IDENT_1 if c1 != c2 else IDENT_2


def func2(s1, s2, st):
    int_loc = 1
    while int_loc <= 1:
        if func1(s1[int_loc], s2[int_loc + 1]) == IDENT_1:
            char_loc = "A"
            int_loc += 1
    if "W" <= char_loc <= "Z":
        int_loc = 7
    if char_loc == "X":
        return True
    if s1 > s2:
        st.int_glob = int_loc + 7
        return True
    return False


def proc3(ptr, st):
    if st.ptr_glob is not None:
        ptr = st.ptr_glob.next
    st.ptr_glob.int_comp = proc7(10, st.int_glob)
    return ptr


def proc1(ptr, st):
    nxt = ptr.next = st.ptr_glob.copy()
    ptr.int_comp = 5
    nxt.int_comp = ptr.int_comp
    nxt.next = ptr.next
    nxt.next = proc3(nxt.next, st)
    if nxt.discr == IDENT_1:
        nxt.int_comp = 6
        nxt.enum_comp = proc6(ptr.enum_comp, st)
        nxt.next = st.ptr_glob.next
        nxt.int_comp = proc7(nxt.int_comp, 10)
    else:
        ptr = nxt.copy()
    return ptr


def proc2(int_par, st):
    loc = int_par + 10
    while True:
        if st.char1 == "A":
            loc -= 1
            int_par = loc - st.int_glob
            return int_par


def run(loops):
    st = State()
    st.ptr_glob = Record()
    st.ptr_glob.next = Record()
    st.ptr_glob.discr = IDENT_1
    st.ptr_glob.enum_comp = IDENT_3
    st.ptr_glob.int_comp = 40
    st.ptr_glob.str_comp = "DHRYSTONE-LIKE PROGRAM, SOME STRING"
    s1 = "DHRYSTONE-LIKE PROGRAM, 1'ST STRING"
    st.array2[8][7] = 10
    checksum = 0
    for _ in range(loops):
        st.char1 = "A"
        st.bool_glob = not st.bool_glob
        st.char2 = "B"
        int1, int2 = 2, 3
        s2 = "DHRYSTONE-LIKE PROGRAM, 2'ND STRING"
        enum_loc = IDENT_2
        st.bool_glob = not func2(s1, s2, st)
        while int1 < int2:
            int3 = 5 * int1 - int2
            int3 = proc7(int1, int2)
            int1 += 1
        proc8(st, int1, int3)
        st.ptr_glob = proc1(st.ptr_glob, st)
        char_index = "A"
        while char_index <= st.char2:
            if enum_loc == func1(char_index, "C"):
                enum_loc = proc6(IDENT_1, st)
            char_index = chr(ord(char_index) + 1)
        int3 = int2 * int1
        int2 = int3 // int1
        int2 = 7 * (int3 - int2) - int1
        int1 = proc2(int1, st)
        checksum = (checksum * 31 + int1 + int2 + int3 + st.int_glob) % 1_000_003
    return checksum, st.array1[8], st.array2[8][7]


if __name__ == "__main__":
    loops = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print("pystone_like", loops, run(loops))
