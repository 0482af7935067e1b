// std::vector whose resize leaves new elements uninitialised, for arrays a
// suggestion writes in full right after sizing them: zeroing them first was
// a measurable share of a suggestion's cost.
#pragma once

#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace hopt::algo {

template <class T>
struct UninitAllocator : std::allocator<T> {
    using std::allocator<T>::allocator;
    template <class U>
    struct rebind {
        using other = UninitAllocator<U>;
    };
    template <class U>
    void construct(U *p) noexcept {
        ::new (static_cast<void *>(p)) U;  // default-initialisation: nothing for numbers
    }
    template <class U, class... Args>
    void construct(U *p, Args &&...args) {
        ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
    }
};

template <class T>
using UninitVector = std::vector<T, UninitAllocator<T>>;

}  // namespace hopt::algo
