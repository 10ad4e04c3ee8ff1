// OwnedList: a list owning heap objects of one type, handing out stable
// pointers to them. It keeps plain pointers in a std::vector<T*>, so every
// list shares the pointer vectors' one growth routine; a vector of
// unique_ptr gets its own copy per type (each names its type's destructor
// for the moved-from elements, so identical-code folding cannot merge them).
#pragma once

#include <memory>
#include <vector>

namespace kite {

template <class T> class OwnedList {
public:
  OwnedList() = default;
  ~OwnedList() {
    for (T* item : items_)
      delete item;
  }
  OwnedList(const OwnedList&) = delete;
  OwnedList& operator=(const OwnedList&) = delete;

  // Takes `item` over (it stays owned by the caller if the list cannot grow).
  T* add(std::unique_ptr<T> item) {
    items_.push_back(item.get());
    return item.release();
  }

  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

private:
  std::vector<T*> items_;
};

} // namespace kite
