# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
