import 'wirestate';
