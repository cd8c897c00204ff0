from flask import Blueprint, abort, jsonify

shop = Blueprint("shop", __name__)
ITEMS = {1: "apple", 2: "pear"}


@shop.route("/items")
def items():
    return jsonify(sorted(ITEMS.values()))


@shop.route("/items/<int:item_id>")
def item(item_id):
    if item_id not in ITEMS:
        abort(404)
    return {"id": item_id, "name": ITEMS[item_id]}
