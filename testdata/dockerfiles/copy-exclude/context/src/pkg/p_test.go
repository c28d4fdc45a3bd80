pt
