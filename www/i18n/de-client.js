// German for the page's client part: English text (the key) to its translation.
export default {
};
